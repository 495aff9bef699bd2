import type { INodeProperties } from 'n8n-workflow';

/**
 * The Salt Kuaidi100 signs its pushes with, in the credential and in Subscribe's
 * options: one field, described where it appears. A file of its own, so the
 * credential loads no node code.
 */
export function saltProperty(description: string): INodeProperties {
	return { displayName: 'Salt', name: 'salt', type: 'string', typeOptions: { password: true }, default: '', description };
}
