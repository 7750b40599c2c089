/**
 * What the oldest browsers that run the apps (those with ES modules: Chrome 61, Firefox
 * 60, Safari 11, on the sites' recycled PCs and cheap phones) lack of what the bundles
 * call at run time. The syntax is ES2017 (ui/test/build.test.ts); these are library calls
 * made by solid-js and its router: queueMicrotask (resources; Chrome 71, Firefox 69,
 * Safari 12.1), Promise.prototype.finally (navigation; Chrome 63, Safari 11.1) and
 * Array.prototype.flat (splitProps; Chrome 69, Firefox 62, Safari 12). Imported first by
 * each app; proven by test/browser/old-browser.test.ts, which takes them away.
 */

function define<T extends object>(on: T, name: string, value: unknown): void {
  if (!(name in on)) Object.defineProperty(on, name, { value, writable: true, configurable: true });
}

define(window, 'queueMicrotask', (task: () => void) => {
  // An error in the task is reported as the browser would, not lost in a rejected promise.
  void Promise.resolve()
    .then(task)
    .catch((e: unknown) =>
      setTimeout(() => {
        throw e;
      }),
    );
});

define(Promise.prototype, 'finally', function <T>(this: Promise<T>, then: () => void): Promise<T> {
  return this.then(
    (value) => Promise.resolve(then()).then(() => value),
    (reason: unknown) =>
      Promise.resolve(then()).then(() => {
        throw reason;
      }),
  );
});

define(Array.prototype, 'flat', function flat(this: unknown[], depth = 1): unknown[] {
  return depth < 1 ? this.slice() : this.reduce<unknown[]>((all, item) => all.concat(Array.isArray(item) ? flat.call(item, depth - 1) : [item]), []);
});
