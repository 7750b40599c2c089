/** Dues for a year: who has paid, and a form to record a payment (heads of the association). */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { createAction, fmt, t, api, useSpace, ErrorNote, Field, Loading } from '../../app/index.js';
import type { MessageKey } from '../../i18n/index.js';
import { parseMoney, today } from '../../forms/index.js';
import { METHODS, type DuesSummary, type Method } from './types.js';

export function Dues(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/dues`;
  const thisYear = new Date().getFullYear();
  const [year, setYear] = createSignal(thisYear);
  const [summary, { refetch }] = createResource(
    () => space() && `${base()}/summary?year=${year()}`,
    (p) => api.get<DuesSummary>(p),
  );
  const [memberId, setMemberId] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [paidOn, setPaidOn] = createSignal(today());
  const [method, setMethod] = createSignal<Method>('espèces');

  const add = createAction(async () => {
    const cents = parseMoney(amount());
    if (cents === undefined) throw new Error(t('error.amount'));
    await api.send('POST', base(), { memberId: memberId(), year: year(), amountCents: cents, paidOn: paidOn(), method: method() });
    setAmount('');
    setMemberId('');
    await refetch();
  });

  return (
    <section aria-labelledby="dues-title">
      <h1 id="dues-title">{t('dues.title')}</h1>
      <Field label={t('dues.year')}>
        {(id) => (
          <select id={id} onChange={(e) => setYear(Number(e.currentTarget.value))}>
            <For each={[thisYear + 1, thisYear, thisYear - 1, thisYear - 2]}>
              {(y) => (
                <option value={y} selected={y === year()}>
                  {y}
                </option>
              )}
            </For>
          </select>
        )}
      </Field>
      <ErrorNote error={summary.error} onRetry={() => void refetch()} />
      <Show when={summary()} fallback={<Loading />}>
        {(s) => (
          <>
            <p role="status">{t('dues.summary', { paid: fmt.number(s().paidCount), unpaid: fmt.number(s().unpaidCount) })}</p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('dues.member')}</th>
                    <th scope="col">{t('dues.paid')}</th>
                    <th scope="col" class="num">
                      {t('dues.total')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={s().members}>
                    {(m) => (
                      <tr>
                        <th scope="row">
                          {m.lastName} {m.firstName}
                        </th>
                        <td>{m.paid ? `✓ ${t('dues.paid')}` : t('dues.unpaid')}</td>
                        <td class="num">{fmt.money(m.totalCents)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <h2>{t('dues.add')}</h2>
            <form
              class="card"
              onSubmit={(e) => {
                e.preventDefault();
                void add.run();
              }}
            >
              <Field label={t('dues.member')}>
                {(id) => (
                  <select id={id} required onChange={(e) => setMemberId(e.currentTarget.value)}>
                    <option value="" selected={memberId() === ''}>
                      {t('dues.choose')}
                    </option>
                    <For each={s().members}>
                      {(m) => (
                        <option value={m.memberId} selected={memberId() === m.memberId}>
                          {m.lastName} {m.firstName}
                        </option>
                      )}
                    </For>
                  </select>
                )}
              </Field>
              <Field label={t('dues.amount')} help={t('dues.amountHelp')}>
                {(id, help) => <input id={id} inputmode="decimal" required aria-describedby={help} value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />}
              </Field>
              <Field label={t('dues.paidOn')}>{(id) => <input id={id} type="date" required value={paidOn()} onInput={(e) => setPaidOn(e.currentTarget.value)} />}</Field>
              <Field label={t('dues.method')}>
                {(id) => (
                  <select id={id} onChange={(e) => setMethod(e.currentTarget.value as Method)}>
                    <For each={METHODS}>
                      {(m) => (
                        <option value={m} selected={m === method()}>
                          {t(`dues.method.${m}` as MessageKey)}
                        </option>
                      )}
                    </For>
                  </select>
                )}
              </Field>
              <ErrorNote error={add.error()} />
              <button type="submit" class="primary" disabled={add.busy()}>
                {t('dues.add')}
              </button>
            </form>
          </>
        )}
      </Show>
    </section>
  );
}
