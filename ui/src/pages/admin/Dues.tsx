/**
 * Dues for a year (heads of the association): who has paid, the payments recorded, each
 * of which can be corrected (only what changed is sent) or cancelled, and a form to
 * record a payment.
 */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { createAction, fmt, t, api, patchChanged, useSpace, EditRow, ErrorNote, Loading, RowTools, Table } from '../../app/index.js';
import type { MessageKey } from '../../i18n/index.js';
import { DueForm, YearField, type DueFields } from './DueForm.js';
import type { Due, DuesSummary } from './types.js';

export function Dues(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/dues`;
  const thisYear = new Date().getFullYear();
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2];
  const [year, setYear] = createSignal(thisYear);
  const [summary, { refetch }] = createResource(
    () => space() && `${base()}-summary?year=${year()}`,
    (p) => api.get<DuesSummary>(p),
  );
  const [payments, { refetch: refetchPayments }] = createResource(
    () => space() && `${base()}?year=${year()}`,
    (p) => api.get<{ items: Due[] }>(p),
  );
  const [editing, setEditing] = createSignal<string>();
  const reload = async () => {
    await Promise.all([refetch(), refetchPayments()]);
  };

  async function add(fields: DueFields): Promise<void> {
    await api.send('POST', base(), fields);
    await reload();
  }
  async function correct(due: Due, fields: DueFields): Promise<void> {
    await patchChanged(`${base()}/${encodeURIComponent(due.id)}`, due, fields);
    setEditing(undefined);
    await reload();
  }
  const cancel = createAction(async (due: Due, who: string) => {
    if (!window.confirm(t('dues.cancelConfirm', { who, amount: fmt.money(due.amountCents), date: fmt.date(due.paidOn) }))) return;
    await api.send('DELETE', `${base()}/${encodeURIComponent(due.id)}`);
    await reload();
  });

  return (
    <section aria-labelledby="dues-title">
      <h1 id="dues-title">{t('dues.title')}</h1>
      <YearField years={years} year={year()} onChange={setYear} />
      <ErrorNote error={summary.error ?? payments.error ?? cancel.error()} onRetry={() => void reload()} />
      <Show when={summary()} fallback={<Loading />}>
        {(s) => {
          const nameOf = (memberId: string) => {
            const m = s().members.find((x) => x.memberId === memberId);
            return m ? `${m.lastName} ${m.firstName}` : t('dues.removedMember');
          };
          return (
            <>
              <p role="status">{t('dues.summary', { paid: fmt.number(s().paidCount), unpaid: fmt.number(s().unpaidCount) })}</p>
              <Table head={[{ label: t('dues.member') }, { label: t('dues.paid') }, { label: t('dues.total'), class: 'num' }]}>
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
              </Table>
              <h2>{t('dues.payments', { year: String(year()) })}</h2>
              <Show when={(payments()?.items.length ?? 0) > 0} fallback={<p class="muted">{t('dues.noPayments')}</p>}>
                <Table
                  head={[
                    { label: t('dues.paidOn') },
                    { label: t('dues.member') },
                    { label: t('dues.amountShort'), class: 'num' },
                    { label: t('dues.method'), class: 'hide-narrow' },
                    { label: t('dues.correct'), hidden: true },
                  ]}
                >
                  <For each={payments()?.items ?? []}>
                    {(due) => {
                      const what = () => `${nameOf(due.memberId)}, ${fmt.date(due.paidOn)}`;
                      return (
                        <>
                          <tr>
                            <td>{fmt.date(due.paidOn)}</td>
                            <th scope="row">{nameOf(due.memberId)}</th>
                            <td class="num">{fmt.money(due.amountCents)}</td>
                            <td class="hide-narrow">{t(`dues.method.${due.method}` as MessageKey)}</td>
                            <td>
                              <RowTools
                                icons
                                what={what()}
                                editing={editing() === due.id}
                                onEdit={() => setEditing(editing() === due.id ? undefined : due.id)}
                                onRemove={() => void cancel.run(due, nameOf(due.memberId))}
                                editLabel={t('dues.correct')}
                                removeLabel={t('dues.cancel')}
                              />
                            </td>
                          </tr>
                          <EditRow open={editing() === due.id} span={5}>
                            <DueForm due={due} year={year()} years={years} members={s().members} submitLabel={t('app.save')} save={(f) => correct(due, f)} onCancel={() => setEditing(undefined)} />
                          </EditRow>
                        </>
                      );
                    }}
                  </For>
                </Table>
              </Show>
              <h2>{t('dues.add')}</h2>
              <DueForm year={year()} years={years} members={s().members} submitLabel={t('dues.add')} save={add} />
            </>
          );
        }}
      </Show>
    </section>
  );
}
