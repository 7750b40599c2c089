/** A payment of dues as a form: to record one, or to correct one recorded wrong. */
import { For, createSignal, type JSX } from 'solid-js';
import { createAction, Field, FormActions, lang, t, ActionForm } from '../../app/index.js';
import type { MessageKey } from '../../i18n/index.js';
import { moneyText, parseMoney, today } from '../../forms/index.js';
import { METHODS, type Due, type DuesSummary, type Method } from './types.js';

export type DueFields = Omit<Due, 'id'>;

interface Props {
  due?: Due;
  /** The year a new payment is for (the page's). */
  year: number;
  years: readonly number[];
  members: DuesSummary['members'];
  submitLabel: string;
  save: (fields: DueFields) => Promise<void>;
  onCancel?: () => void;
}

export function DueForm(props: Props): JSX.Element {
  const d = props.due;
  const [memberId, setMemberId] = createSignal(d?.memberId ?? '');
  const [year, setYear] = createSignal(d?.year ?? props.year);
  const [amount, setAmount] = createSignal(d ? moneyText(d.amountCents, lang()) : '');
  const [paidOn, setPaidOn] = createSignal(d?.paidOn ?? today());
  const [method, setMethod] = createSignal<Method>(d?.method ?? 'espèces');
  const run = createAction(async () => {
    const cents = parseMoney(amount());
    if (cents === undefined) throw new Error(t('error.amount'));
    await props.save({ memberId: memberId(), year: d ? year() : props.year, amountCents: cents, paidOn: paidOn(), method: method() });
    if (!d) {
      setAmount('');
      setMemberId('');
    }
  });
  return (
    <ActionForm run={run.run}>
      <Field label={t('dues.member')}>
        {(id) => (
          <select id={id} required onChange={(e) => setMemberId(e.currentTarget.value)}>
            <option value="" selected={memberId() === ''}>
              {t('dues.choose')}
            </option>
            <For each={props.members}>
              {(m) => (
                <option value={m.memberId} selected={memberId() === m.memberId}>
                  {m.lastName} {m.firstName}
                </option>
              )}
            </For>
            {/* A payment of a member removed since: still correctable (its amount, its date). */}
            {d && !props.members.some((m) => m.memberId === d.memberId) && (
              <option value={d.memberId} selected={memberId() === d.memberId}>
                {t('dues.removedMember')}
              </option>
            )}
          </select>
        )}
      </Field>
      {d && (
        <YearField years={props.years.indexOf(d.year) < 0 ? [d.year, ...props.years] : props.years} year={year()} onChange={setYear} />
      )}
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
      <FormActions error={run.error()} busy={run.busy()} submitLabel={props.submitLabel} {...(props.onCancel ? { onCancel: props.onCancel } : {})} />
    </ActionForm>
  );
}

/** The year dues are for, among the years offered. */
export function YearField(props: { years: readonly number[]; year: number; onChange: (year: number) => void }): JSX.Element {
  return (
    <Field label={t('dues.year')}>
      {(id) => (
        <select id={id} onChange={(e) => props.onChange(Number(e.currentTarget.value))}>
          <For each={props.years}>
            {(y) => (
              <option value={y} selected={y === props.year}>
                {y}
              </option>
            )}
          </For>
        </select>
      )}
    </Field>
  );
}
