/** Builds the adapter for each configured provider. */
import type { ProviderConfig } from '../config/load.js';
import type { UpstreamClient } from './http-client.js';
import { OpenAIAdapter } from './openai/openai-adapter.js';
import type { ProviderAdapter } from './types.js';

export function createAdapter(provider: ProviderConfig, client: UpstreamClient, secrets: string[]): ProviderAdapter {
  switch (provider.type) {
    case 'openai':
    case 'openai-compatible':
    case 'simulator':
      return new OpenAIAdapter(provider, client, secrets);
  }
}

export type { ProviderAdapter, CallContext } from './types.js';
