/** KeyDelivery carrier ids the sandbox knows (plus every carrier of the served shipments); case-insensitive. */
export const KEYDELIVERY_SANDBOX_CARRIERS: Readonly<Record<string, string>> = Object.freeze({
	usps: 'USPS',
	dhl: 'DHL Express',
	fedex: 'FedEx',
	ups: 'UPS',
	tnt: 'TNT',
	aramex: 'Aramex',
	dpd: 'DPD',
	'royal-mail': 'Royal Mail',
	'canada-post': 'Canada Post',
	'australia-post': 'Australia Post',
	'china-post': 'China Post',
	'china-ems': 'China EMS',
	yanwen: 'Yanwen',
	'4px': '4PX',
});
