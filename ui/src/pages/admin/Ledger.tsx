/** The ledger: entries with their running balance, totals, CSV export, and new entries. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { createAction, fmt, t, api, patchChanged, useSpace, EditRow, ErrorNote, Loading, RowTools, Table } from '../../app/index.js';
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
    await patchChanged(`${base()}/${encodeURIComponent(line.id)}`, line, fields);
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
              <Table
                head={[
                  { label: t('ledger.date') },
                  { label: t('ledger.label') },
                  { label: t('ledger.receipt'), class: 'num' },
                  { label: t('ledger.expense'), class: 'num' },
                  { label: t('ledger.balance'), class: 'num hide-narrow' },
                  { label: t('ledger.remove'), hidden: true },
                ]}
              >
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
                          <RowTools
                            icons
                            what={line.label}
                            editing={editing() === line.id}
                            onEdit={() => setEditing(editing() === line.id ? undefined : line.id)}
                            onRemove={() => void remove.run(line)}
                            editLabel={t('app.edit')}
                            removeLabel={t('ledger.remove')}
                          />
                        </td>
                      </tr>
                      <EditRow open={editing() === line.id} span={6}>
                        <LedgerForm entry={line} submitLabel={t('app.save')} save={(f) => change(line, f)} onCancel={() => setEditing(undefined)} />
                      </EditRow>
                    </>
                  )}
                </For>
              </Table>
            </Show>
          </>
        )}
      </Show>
      <h2>{t('ledger.add')}</h2>
      <LedgerForm submitLabel={t('ledger.add')} save={add} />
    </section>
  );
}
