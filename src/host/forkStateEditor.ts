// Fork From Here's state editor: the state at the checkpoint opens as a JSON document in a real
// editor tab (folding, search, multi-line edits, JSON validation), not a one-line input box. The
// person edits it, then forks with the notification's button or by saving (Ctrl+S); closing the
// tab or Cancel forks nothing. The documents live in memory under the `langgraph-fork:` scheme.
import * as vscode from 'vscode';

export const FORK_SCHEME = 'langgraph-fork';

interface Pending {
  text: string;
  mtime: number;
  /** The person saved: a fork with what was saved. */
  onSave?: (text: string) => void;
}

/** What the person chose: the state to fork with (an object), or undefined (cancelled). */
export type ForkChoice = Record<string, unknown> | undefined;

export class ForkStateEditor implements vscode.FileSystemProvider {
  private readonly files = new Map<string, Pending>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private seq = 0;

  static register(context: vscode.ExtensionContext): ForkStateEditor {
    const ed = new ForkStateEditor();
    context.subscriptions.push(vscode.workspace.registerFileSystemProvider(FORK_SCHEME, ed, { isCaseSensitive: true }), ed.changed);
    return ed;
  }

  /**
   * Open `values` for editing and wait for the person's choice. `name` names the tab (e.g.
   * "state before research (step 2)"); `detail` says what forking with it does.
   */
  async edit(name: string, values: Record<string, unknown>, detail: string): Promise<ForkChoice> {
    const uri = vscode.Uri.from({ scheme: FORK_SCHEME, path: `/${++this.seq}/${name.replace(/[\\/]/g, '-')}.json` });
    const file: Pending = { text: `${JSON.stringify(values, null, 2)}\n`, mtime: Date.now() };
    this.files.set(uri.path, file);
    // A .json name: the editor reads it as JSON (highlighting, folding, syntax errors).
    const doc = await vscode.workspace.openTextDocument(uri);
    // Beside the timeline, which stays in view.
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    try {
      return await new Promise<ForkChoice>((resolve) => {
        const subs: vscode.Disposable[] = [];
        const done = (v: ForkChoice) => {
          for (const d of subs) d.dispose();
          resolve(v);
        };
        /** The state in `text`, or undefined after telling the person what is wrong with it. */
        const parse = (text: string): ForkChoice => {
          try {
            const v = JSON.parse(text) as unknown;
            if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
            void vscode.window.showErrorMessage('The state is a JSON object: {"key": value, …}. Fix it, then fork again.');
          } catch (e) {
            void vscode.window.showErrorMessage(`The state is not valid JSON: ${(e as Error).message}. Fix it, then fork again.`);
          }
          return undefined;
        };
        const ask = () => {
          void vscode.window.showInformationMessage(`${name}: edit it in the editor, then Fork (or save it). ${detail}`, 'Fork', 'Cancel').then((pick) => {
            if (pick === 'Fork') {
              const v = parse(doc.getText());
              if (v) done(v);
              else ask();
            } else if (pick === 'Cancel') done(undefined);
          });
        };
        file.onSave = (text) => {
          const v = parse(text);
          if (v) done(v);
        };
        subs.push(
          vscode.workspace.onDidCloseTextDocument((d) => {
            if (d.uri.toString() === uri.toString()) done(undefined);
          }),
        );
        ask();
      });
    } finally {
      this.files.delete(uri.path);
      // The tab goes with the choice: shown, then reverted and closed (an edit made before
      // Fork was taken from the editor; nothing is left to save).
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
      if (tab) {
        await vscode.window.showTextDocument(doc, { preview: false, viewColumn: tab.group.viewColumn });
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    }
  }

  // ---- vscode.FileSystemProvider ----------------------------------------------------------

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const f = this.get(uri);
    return { type: vscode.FileType.File, ctime: f.mtime, mtime: f.mtime, size: Buffer.byteLength(f.text) };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return new TextEncoder().encode(this.get(uri).text);
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const f = this.get(uri);
    f.text = new TextDecoder().decode(content);
    f.mtime = Date.now();
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    f.onSave?.(f.text);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('fork states are made by Fork From Here');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('fork states are made by Fork From Here');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('fork states are made by Fork From Here');
  }

  private get(uri: vscode.Uri): Pending {
    const f = this.files.get(uri.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return f;
  }
}
