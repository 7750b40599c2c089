/** The ledger: entries with their running balance, totals, CSV export, and new entries. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { createAction, fmt, t, api, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { LedgerForm, type EntryFields } from './LedgerForm.js';
import type { Ledger as LedgerView, LedgerLine } from './types.js';

export function Ledger(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/ledger`;
  const [ledger, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<LedgerView>(p),
  );
  const [editing, setEditing] = createSignal<string>();

  async function add(fields: EntryFields): Promise<void> {
    await api.send('POST', base(), fields);
    await refetch();
  }
  async function change(line: LedgerLine, fields: EntryFields): Promise<void> {
    // Only the fields that changed (the box keeps the last writer per field).
    const changed: Partial<EntryFields> = {};
    for (const k of Object.keys(fields) as Array<keyof EntryFields>) if (fields[k] !== line[k]) (changed as Record<string, unknown>)[k] = fields[k];
    if (Object.keys(changed).length > 0) await api.send('PATCH', `${base()}/${encodeURIComponent(line.id)}`, changed);
    setEditing(undefined);
    await refetch();
  }
  const remove = createAction(async (line: LedgerLine) => {
    if (!window.confirm(t('ledger.removeConfirm', { label: line.label }))) return;
    await api.send('DELETE', `${base()}/${encodeURIComponent(line.id)}`);
    await refetch();
  });

  return (
    <section aria-labelledby="ledger-title">
      <h1 id="ledger-title">{t('ledger.title')}</h1>
      <p>
        <a href={`${API}${base()}.csv`} download="">
          {t('ledger.csv')}
        </a>
      </p>
      <ErrorNote error={ledger.error ?? remove.error()} onRetry={() => void refetch()} />
      <Show when={ledger()} fallback={<Loading />}>
        {(l) => (
          <>
            <Show when={l().totals}>
              {(tot) => (
                <p role="status">
                  <strong>{t('ledger.totals', { receipts: fmt.money(tot().receiptsCents), expenses: fmt.money(tot().expensesCents), closing: fmt.money(tot().closingCents) })}</strong>
                </p>
              )}
            </Show>
            <Show when={l().items.length > 0} fallback={<p class="muted">{t('ledger.none')}</p>}>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('ledger.date')}</th>
                      <th scope="col">{t('ledger.label')}</th>
                      <th scope="col" class="num">
                        {t('ledger.receipt')}
                      </th>
                      <th scope="col" class="num">
                        {t('ledger.expense')}
                      </th>
                      <th scope="col" class="num hide-narrow">
                        {t('ledger.balance')}
                      </th>
                      <th scope="col">
                        <span class="visually-hidden">{t('ledger.remove')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={l().items}>
                      {(line) => (
                        <>
                          <tr>
                            <td>{fmt.date(line.date)}</td>
                            <th scope="row">
                              {line.label}
                              <Show when={line.category}>
                                <span class="muted">{line.category}</span>
                              </Show>
                            </th>
                            <td class="num">{line.direction === 'receipt' ? fmt.money(line.amountCents) : ''}</td>
                            <td class="num">{line.direction === 'expense' ? fmt.money(line.amountCents) : ''}</td>
                            <td class="num hide-narrow">{fmt.money(line.balanceCents)}</td>
                            <td>
                              <div class="toolbar">
                                <button type="button" aria-expanded={editing() === line.id} onClick={() => setEditing(editing() === line.id ? undefined : line.id)} aria-label={`${t('app.edit')} : ${line.label}`}>
                                  ✎
                                </button>
                                <button type="button" onClick={() => void remove.run(line)} aria-label={`${t('ledger.remove')} : ${line.label}`}>
                                  ✕
                                </button>
                              </div>
                            </td>
                          </tr>
                          <Show when={editing() === line.id}>
                            <tr>
                              <td colSpan={6}>
                                <LedgerForm entry={line} submitLabel={t('app.save')} save={(f) => change(line, f)} onCancel={() => setEditing(undefined)} />
                              </td>
                            </tr>
                          </Show>
                        </>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </>
        )}
      </Show>
      <h2>{t('ledger.add')}</h2>
      <LedgerForm submitLabel={t('ledger.add')} save={add} />
    </section>
  );
}
