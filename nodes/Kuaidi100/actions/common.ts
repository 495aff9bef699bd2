import type { INodeProperties } from 'n8n-workflow';
import { eventOrderProperty } from '../../parameters/request-options';

export const carrierCodeProperty: INodeProperties = {
	displayName: 'Carrier Code',
	name: 'carrierCode',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'yuantong',
	description:
		'Kuaidi100 carrier code, lower case (e.g. yuantong, zhongtong, shunfeng). Unsure? Use the Detect Carrier operation first.',
};

export const phoneProperty: INodeProperties = {
	displayName: 'Phone',
	name: 'phone',
	type: 'string',
	default: '',
	description:
		"Sender's or recipient's phone number, or its last 4 digits. Required for SF Express (shunfeng, shunfengkuaiyun).",
};

/** resultv2: how much status detail Kuaidi100 adds; the advanced codes give precise milestones. */
export const statusDetailProperty: INodeProperties = {
	displayName: 'Status Detail',
	name: 'resultv2',
	type: 'options',
	default: '4',
	options: [
		{ name: 'Basic', value: '0', description: 'Event texts and times only' },
		{ name: 'Status Names and Regions', value: '1' },
		{ name: 'Advanced Status Codes and Regions', value: '4', description: 'Needed for precise milestones' },
		{
			name: 'Advanced, with Estimated Arrival',
			value: '8',
			description: 'Also the estimated arrival (estimated_arrival in UTC, beside the raw value) and the expected total and remaining time',
		},
	],
};

/** Query and map-track parameters beyond carrier, number and phone. */
export const queryOptionsProperty: INodeProperties = {
	displayName: 'Query Options',
	name: 'queryOptions',
	type: 'collection',
	placeholder: 'Add Query Option',
	default: {},
	options: [
		{
			displayName: 'From',
			name: 'from',
			type: 'string',
			default: '',
			placeholder: '广东省深圳市',
			description: 'Departure city; helps Kuaidi100 resolve regions',
		},
		{
			displayName: 'Language',
			name: 'lang',
			type: 'options',
			default: 'zh',
			options: [
				{ name: 'Chinese', value: 'zh' },
				{ name: 'English', value: 'en' },
			],
			description: 'Language of the event texts',
		},
		eventOrderProperty,
		{ ...statusDetailProperty, description: 'How much status detail Kuaidi100 adds to each event (resultv2)' },
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			default: '',
			placeholder: '北京市朝阳区',
			description: 'Destination city; Kuaidi100 checks more often once the parcel arrives there',
		},
	],
};
