/**
 * In-memory node/credential type registries: the harness equivalent of n8n's
 * `LoadNodesAndCredentials` + `NodeTypes` + `CredentialTypes`, fed with class instances
 * instead of files scanned from disk.
 */
import type {
	ICredentialType,
	IDataObject,
	INodeProperties,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import { workflowRuntime } from './runtime';

const { ApplicationError, NodeHelpers } = workflowRuntime;

/** Community nodes are registered by n8n as `<package name>.<description.name>`. */
export const PACKAGE_NAME = 'n8n-nodes-kuaidi100';

export function nodeTypeName(nodeType: INodeType | IVersionedNodeType): string {
	return `${PACKAGE_NAME}.${nodeType.description.name}`;
}

/** Picks what the n8n editor would pick for a new node: defaultVersion, else the newest. */
export function latestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) {
		return nodeType.currentVersion; // VersionedNodeType: defaultVersion ?? newest
	}
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(entries: Record<string, INodeType | IVersionedNodeType>) {
		for (const [name, type] of Object.entries(entries)) this.types.set(name, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new ApplicationError(`Unrecognized node type: ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export class HarnessCredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[] = []) {
		for (const type of types) this.types.set(type.name, type);
	}

	recognizes(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new ApplicationError(`Unrecognized credential type: ${name}`);
		return type;
	}

	/** Transitive `extends` chain, as n8n's CredentialTypes.getParentTypes computes it. */
	getParentTypes(name: string): string[] {
		const direct = this.types.get(name)?.extends ?? [];
		return direct.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** Own properties merged over the parents', parents first (n8n's getCredentialsProperties). */
	getProperties(name: string): INodeProperties[] {
		const type = this.getByName(name);
		if (!type.extends) return type.properties;
		const combined: INodeProperties[] = [];
		for (const parent of type.extends) {
			if (this.recognizes(parent)) NodeHelpers.mergeNodeProperties(combined, this.getProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, type.properties);
		return combined;
	}
}
