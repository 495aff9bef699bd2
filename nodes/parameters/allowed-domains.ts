import type { INodeProperties } from 'n8n-workflow';

/**
 * n8n's own allowed-domains fields for a credential the HTTP Request node may use
 * (the names and choices n8n's loader would add), declared here so that their
 * default is the service's hosts instead of "All". n8n adds none of its own when a
 * credential declares `allowedHttpRequestDomains`.
 */
export function allowedDomainsProperties(hosts: readonly string[]): INodeProperties[] {
	return [
		{
			displayName: 'Allowed HTTP Request Domains',
			name: 'allowedHttpRequestDomains',
			type: 'options',
			options: [
				{ name: 'All', value: 'all', description: 'Allow all requests when used in the HTTP Request node' },
				{ name: 'Specific Domains', value: 'domains', description: 'Restrict requests to specific domains' },
				{ name: 'None', value: 'none', description: 'Block all requests when used in the HTTP Request node' },
			],
			default: 'domains',
			description: 'Control which domains this credential can be used with in HTTP Request nodes',
		},
		{
			displayName: 'Allowed Domains',
			name: 'allowedDomains',
			type: 'string',
			default: hosts.join(', '),
			placeholder: 'example.com, *.subdomain.com',
			description: "Comma-separated list of allowed domains (supports wildcards with *). Add a proxy's or test server's host here if Base URL points at one.",
			displayOptions: { show: { allowedHttpRequestDomains: ['domains'] } },
		},
	];
}
