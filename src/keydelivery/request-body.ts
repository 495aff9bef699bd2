/** The JSON body of a request: undefined and empty values left out (0 kept). */
export function keyDeliveryBody(payload: object): string {
	const compact: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(payload)) {
		if (value !== undefined && value !== '') compact[name] = value;
	}
	return JSON.stringify(compact);
}
