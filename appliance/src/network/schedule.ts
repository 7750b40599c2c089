/**
 * When the network's timer syncs with a peer: with every peer as soon as something changed
 * here (the op log has a newer row), otherwise with each peer whose last round is older than
 * its link's interval — a minute on a free link, hours on a metered one.
 */
export class RoundSchedule {
  private lastRowid = 0;
  private readonly lastRoundWith = new Map<string, number>();

  /**
   * The targets due at `now`, each then counted as having had its round. `newestRowid`: the
   * op log's newest row; `every`: a target's interval when nothing changed.
   */
  due(targets: readonly string[], newestRowid: number, now: number, every: (target: string) => number): string[] {
    const changed = newestRowid !== this.lastRowid;
    this.lastRowid = newestRowid;
    const due = targets.filter((t) => changed || now - (this.lastRoundWith.get(t) ?? 0) >= every(t));
    for (const t of due) this.lastRoundWith.set(t, now);
    return due;
  }
}
