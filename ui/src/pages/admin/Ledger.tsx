/** The ledger: entries with their running balance, totals, CSV export, and new entries. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { createAction, fmt, t, api, useSpace, ErrorNote, Field, Loading } from '../../app/index.js';
import { parseMoney, today } from '../../forms/index.js';
import type { Ledger as LedgerView, LedgerLine } from './types.js';

export function Ledger(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/ledger`;
  const [ledger, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<LedgerView>(p),
  );
  const [date, setDate] = createSignal(today());
  const [label, setLabel] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [direction, setDirection] = createSignal<'receipt' | 'expense'>('receipt');
  const [category, setCategory] = createSignal('');

  const add = createAction(async () => {
    const cents = parseMoney(amount());
    if (cents === undefined || cents === 0) throw new Error(t('error.amount'));
    await api.send('POST', base(), { date: date(), label: label(), amountCents: cents, direction: direction(), category: category() });
    setLabel('');
    setAmount('');
    await refetch();
  });
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
                            <button type="button" onClick={() => void remove.run(line)} aria-label={`${t('ledger.remove')} : ${line.label}`}>
                              ✕
                            </button>
                          </td>
                        </tr>
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
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <Field label={t('ledger.date')}>{(id) => <input id={id} type="date" required value={date()} onInput={(e) => setDate(e.currentTarget.value)} />}</Field>
        <Field label={t('ledger.label')}>{(id) => <input id={id} required maxlength={200} value={label()} onInput={(e) => setLabel(e.currentTarget.value)} />}</Field>
        <fieldset class="field">
          <legend>{t('ledger.direction')}</legend>
          <label class="choice">
            <input type="radio" name="direction" checked={direction() === 'receipt'} onChange={() => setDirection('receipt')} /> {t('ledger.receipt')}
          </label>
          <label class="choice">
            <input type="radio" name="direction" checked={direction() === 'expense'} onChange={() => setDirection('expense')} /> {t('ledger.expense')}
          </label>
        </fieldset>
        <Field label={t('ledger.amount')}>{(id) => <input id={id} inputmode="decimal" required value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />}</Field>
        <Field label={t('ledger.category')}>{(id) => <input id={id} maxlength={100} value={category()} onInput={(e) => setCategory(e.currentTarget.value)} />}</Field>
        <ErrorNote error={add.error()} />
        <button type="submit" class="primary" disabled={add.busy()}>
          {t('ledger.add')}
        </button>
      </form>
    </section>
  );
}
