import type { Kuaidi100QueryParams } from './types';

/** The `param` JSON of a query: documented field order, empty optionals left out. */
export function buildQueryParam(params: Kuaidi100QueryParams): string {
	const param: Record<string, string> = { com: params.com, num: params.num };
	const optional = {
		phone: params.phone,
		from: params.from,
		to: params.to,
		resultv2: params.resultv2,
		show: params.show ?? '0',
		order: params.order,
		lang: params.lang,
	};
	for (const [name, value] of Object.entries(optional)) {
		if (value !== undefined && value !== '') param[name] = value;
	}
	return JSON.stringify(param);
}
