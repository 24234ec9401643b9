// Messages shown as a conversation: role, content, tool calls with the results that answered them.
import { useState } from 'preact/hooks';
import { formatNumber } from '../layout';
import { asMessage, callLabel, copyText, messageText, nonTextBlocks, pathString, shortPath, TRUNCATE_AT, type ChatMessage, type PathSeg, type ToolCall } from '../values';
import { copyToClipboard } from '../copy';
import { IconButton, ValueTree } from './ValueTree';

const ROLE_ICON: Record<string, string> = { human: 'account', ai: 'hubot', tool: 'tools', system: 'settings-gear' };
const ROLE_NAME: Record<string, string> = { human: 'Human', ai: 'AI', tool: 'Tool', system: 'System' };

export function ChatMessageView(p: { value: unknown; results?: Map<string, ChatMessage>; calls?: Map<string, ToolCall>; path?: PathSeg[]; raw?: boolean; tone?: 'added' | 'removed' }) {
  const m = asMessage(p.value);
  const [showRaw, setShowRaw] = useState(false);
  if (!m) return <ValueTree value={p.value} label="value" path={p.path} />;
  const text = messageText(m);
  const blocks = nonTextBlocks(m);
  const answered = m.toolCallId ? p.calls?.get(m.toolCallId) : undefined;
  const failed = m.status === 'error';
  return (
    <div class={`msg role-${safeClass(m.role)}${p.tone ? ` ${p.tone}` : ''}`}>
      <div class="msg-head">
        <span class={`codicon codicon-${ROLE_ICON[m.role] ?? 'comment'}`} aria-hidden="true" />
        <span class="msg-role">{ROLE_NAME[m.role] ?? m.role}</span>
        {m.name && <span class="msg-name">{m.name}</span>}
        {m.role === 'tool' && (
          <span class="msg-meta muted">
            {answered ? `result of ${callLabel(answered, 80)}` : m.toolCallId ? `result of call ${m.toolCallId}` : ''}
          </span>
        )}
        {failed && <span class="tag error">error</span>}
        <span class="msg-actions">
          <IconButton icon="copy" label="Copy message" onClick={() => void copyToClipboard(copyText(p.value), 'message')} />
          {p.path && <IconButton icon="symbol-key" label={`Copy path ${shortPath(p.path)}`} onClick={() => void copyToClipboard(pathString(p.path!), 'path')} />}
          <IconButton icon="json" label={showRaw ? 'Show as chat' : 'Show raw value'} pressed={showRaw} onClick={() => setShowRaw(!showRaw)} />
        </span>
      </div>
      {showRaw ? (
        <ValueTree value={p.value} label="raw message" path={p.path} openDepth={1} />
      ) : (
        <>
          {text ? <LongText text={text} class="msg-text" /> : !m.toolCalls.length && !blocks.length ? <div class="msg-text muted">(empty)</div> : null}
          {blocks.length > 0 && <ValueTree value={blocks} label="content blocks" path={p.path ? [...p.path, 'content'] : undefined} openDepth={0} />}
          {m.toolCalls.length > 0 && (
            <ul class="calls" aria-label="Tool calls">
              {m.toolCalls.map((c, n) => {
                const res = c.id ? p.results?.get(c.id) : undefined;
                return (
                  <li class="call" key={c.id ?? n}>
                    <div class="call-head">
                      <span class="codicon codicon-symbol-method" aria-hidden="true" />
                      <span class="call-label mono">{callLabel(c)}</span>
                      {c.id && <span class="muted mono call-id">{c.id}</span>}
                    </div>
                    {res ? (
                      <div class={`call-result${res.status === 'error' ? ' error' : ''}`}>
                        <span class="codicon codicon-arrow-small-right" aria-hidden="true" />
                        <LongText text={messageText(res)} class="mono" />
                      </div>
                    ) : (
                      <div class="call-result muted">no result yet</div>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

export function ChatList(p: { messages: unknown[]; results?: Map<string, ChatMessage>; calls?: Map<string, ToolCall>; path?: PathSeg[] }) {
  return (
    <ol class="chat" aria-label="Messages">
      {p.messages.map((m, n) => (
        <li key={n}>
          <ChatMessageView value={m} results={p.results} calls={p.calls} path={p.path ? [...p.path, n] : undefined} />
        </li>
      ))}
    </ol>
  );
}

/** Text cut at TRUNCATE_AT characters with a way to see all of it. */
export function LongText(p: { text: string; class?: string; limit?: number }) {
  const limit = p.limit ?? TRUNCATE_AT * 2;
  const [full, setFull] = useState(false);
  const long = p.text.length > limit;
  return (
    <div class={`longtext ${p.class ?? ''}`}>
      {long && !full ? `${p.text.slice(0, limit)}…` : p.text}
      {long && (
        <button class="link" onClick={() => setFull(!full)}>
          {full ? 'show less' : `show all ${formatNumber(p.text.length)} chars`}
        </button>
      )}
    </div>
  );
}

function safeClass(s: string): string {
  return s.replace(/[^a-z0-9_-]/gi, '');
}
