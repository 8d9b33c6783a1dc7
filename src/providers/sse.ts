/**
 * The one Server-Sent Events parser every streaming adapter uses (WHATWG event-stream
 * rules: `data:` lines joined with "\n", `event:` and `id:` fields, comments and
 * unknown fields ignored, CR / LF / CRLF line ends, a blank line dispatches).
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  let skipLeadingLf = false;

  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') {
      if (data.length === 0) {
        event = undefined;
        return undefined;
      }
      const dispatched: SseEvent = { event, data: data.join('\n'), id };
      data = [];
      event = undefined;
      return dispatched;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
    return undefined;
  };

  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let index = 0; index < buffer.length; index++) {
      const character = buffer.charCodeAt(index);
      if (character !== 10 && character !== 13) continue;
      if (skipLeadingLf && character === 10 && index === start) {
        skipLeadingLf = false;
        start = index + 1;
        continue;
      }
      skipLeadingLf = false;
      const dispatched = takeLine(buffer.slice(start, index));
      if (dispatched) yield dispatched;
      if (character === 13) {
        if (index + 1 < buffer.length) {
          if (buffer.charCodeAt(index + 1) === 10) index++;
        } else {
          skipLeadingLf = true;
        }
      }
      start = index + 1;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) {
    const dispatched = takeLine(buffer);
    if (dispatched) yield dispatched;
  }
  // An event without its closing blank line is incomplete: the stream ended mid-event.
}
