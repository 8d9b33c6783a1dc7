/** Builds the adapter for each configured provider, by the wire protocol it speaks. */
import type { ProviderConfig } from '../config/load.js';
import type { UpstreamClient } from './http-client.js';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { AzureOpenAIAdapter } from './azure-openai/azure-adapter.js';
import { BedrockAdapter } from './bedrock/bedrock-adapter.js';
import { CohereAdapter } from './cohere/cohere-adapter.js';
import { GeminiAdapter } from './gemini/gemini-adapter.js';
import { MistralAdapter } from './mistral/mistral-adapter.js';
import { OpenAIAdapter } from './openai/openai-adapter.js';
import { VertexAdapter } from './vertex/vertex-adapter.js';
import type { ProviderAdapter } from './types.js';

export function createAdapter(provider: ProviderConfig, client: UpstreamClient, secrets: string[]): ProviderAdapter {
  switch (provider.protocol) {
    case 'openai':
      return new OpenAIAdapter(provider, client, secrets);
    case 'anthropic':
      return new AnthropicAdapter(provider, client, secrets);
    case 'gemini':
      return new GeminiAdapter(provider, client, secrets);
    case 'azure-openai':
      return new AzureOpenAIAdapter(provider, client, secrets);
    case 'bedrock':
      return new BedrockAdapter(provider, client, secrets);
    case 'vertex':
      return new VertexAdapter(provider, client, secrets);
    case 'mistral':
      return new MistralAdapter(provider, client, secrets);
    case 'cohere':
      return new CohereAdapter(provider, client, secrets);
  }
}

export type { ProviderAdapter, CallContext } from './types.js';
