// One LogOutputChannel for what the extension does. Nothing secret goes in: keys are redacted
// wherever they could appear (headers, URLs).
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function initLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('LangGraph Timeline', { log: true });
  return channel;
}

export function redact(s: string): string {
  return s.replace(/(x-api-key["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1***').replace(/(api[_-]?key=)[^&\s]+/gi, '$1***');
}

export const log = {
  info: (m: string) => channel?.info(redact(m)),
  warn: (m: string) => channel?.warn(redact(m)),
  error: (m: string) => channel?.error(redact(m)),
  debug: (m: string) => channel?.debug(redact(m)),
};
