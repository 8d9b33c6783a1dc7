/** The endpoints an OpenAI batch's lines may call, as OpenAI's Batches API names them. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings', '/v1/responses'] as const;
export type OpenAIBatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

/** The endpoint every line of an Anthropic Message Batch calls. */
export const MESSAGE_BATCH_ENDPOINT = '/v1/messages';

/** What a stored batch's lines call: an OpenAI batch endpoint, or /v1/messages for an Anthropic Message Batch. */
export type BatchEndpoint = OpenAIBatchEndpoint | typeof MESSAGE_BATCH_ENDPOINT;
