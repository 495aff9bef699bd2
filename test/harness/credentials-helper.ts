/**
 * A real `ICredentialsHelper` backed by an in-memory map of decrypted credentials.
 *
 * n8n-core never applies credentials itself: `httpRequestWithAuthentication` asks
 * `additionalData.credentialsHelper` for the decrypted data (`getDecrypted`), lets it
 * refresh expirable tokens (`preAuthentication`) and then lets it mutate the request
 * (`authenticate`). In n8n that helper lives in packages/cli, so it is not published;
 * this class reproduces the behaviour of packages/cli/src/credentials-helper.ts (n8n 1.x)
 * minus the database, overwrites and external secrets.
 */
import { getAdditionalKeys } from 'n8n-core';
import type {
	ICredentials as ICredentialsBase,
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { HarnessCredentialTypes } from './node-types';
import { workflowRuntime } from './runtime';

const { ICredentials, ICredentialsHelper, NodeHelpers, UnexpectedError, deepCopy, isExpression } =
	workflowRuntime;

/** Stored (already decrypted) credential; n8n-core's `Credentials` would need a cipher key. */
class MemoryCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private value: ICredentialDataDecryptedObject,
	) {
		super(details, type);
	}

	getData(): ICredentialDataDecryptedObject {
		return deepCopy(this.value);
	}

	setData(data: ICredentialDataDecryptedObject): void {
		this.value = deepCopy(data);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.value) };
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: HarnessCredentialTypes,
		/** Keyed by credential type name; mutated by preAuthentication, like n8n's DB row. */
		readonly store: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getProperties(type);
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentialsBase> {
		return new MemoryCredentials(details, type, this.stored(type));
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.stored(type);
		if (raw === true) return data;
		return this.applyDefaults(type, data, additionalData, mode, executeData, expressionResolveValues);
	}

	/**
	 * What n8n's `applyDefaultsAndOverwrites` does: fill in the defaults declared on the
	 * credential type (a field the user never touched is absent from the stored JSON) and
	 * resolve `={{ }}` expressions in the values.
	 */
	applyDefaults(
		type: string,
		data: ICredentialDataDecryptedObject,
		additionalData?: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode = 'internal',
		executeData?: IExecuteData,
		resolve?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		const withDefaults = (NodeHelpers.getNodeParameters(
			properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		if (data.oauthTokenData !== undefined) withDefaults.oauthTokenData = data.oauthTokenData;
		if (!resolve || !additionalData) return withDefaults;
		try {
			return resolve.workflow.expression.getParameterValue(
				withDefaults as INodeParameters,
				resolve.runExecutionData,
				resolve.runIndex,
				resolve.itemIndex,
				resolve.node.name,
				resolve.connectionInputData,
				mode,
				getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false }),
				executeData,
				false,
				withDefaults,
			) as ICredentialDataDecryptedObject;
		} catch (e) {
			if (e instanceof Error) e.message += ' [Error resolving credentials]';
			throw e;
		}
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			// Generic auth: { headers|qs|body|auth: { key: '={{$credentials.x}}' } }, each key
			// and value resolved as an expression with `$credentials` in scope, merged in place.
			const target = requestOptions as unknown as Record<string, Record<string, string>>;
			requestOptions.headers ??= {};
			for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
				target[outerKey] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					const resolvedKey = this.resolveValue(key, credentials, workflow, node);
					target[outerKey][resolvedKey] = this.resolveValue(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * Token refresh for credential types with `preAuthentication` and a hidden `expirable`
	 * property; the refreshed values are written back to the store like n8n writes the DB.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof credentialType.preAuthentication !== 'function') {
			return undefined;
		}
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials?.[typeName]) {
			this.store[typeName] = { ...this.stored(typeName), ...output } as ICredentialDataDecryptedObject;
		}
		return Object.assign(credentials, output);
	}

	async updateCredentials(
		_details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = deepCopy(data);
	}

	async updateCredentialsOauthTokenData(
		_details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = { ...this.stored(type), oauthTokenData: data.oauthTokenData };
	}

	private stored(type: string): ICredentialDataDecryptedObject {
		const data = this.store[type];
		// Same wording as n8n's CredentialNotFoundError, so tests see a familiar failure.
		if (data === undefined) {
			throw new UnexpectedError(`Credential with ID "harness-${type}" does not exist for type "${type}".`);
		}
		// Copy: n8n-core mutates what it gets (preAuthentication Object.assign), the DB row is not.
		return deepCopy(data);
	}

	private resolveValue(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}
}
