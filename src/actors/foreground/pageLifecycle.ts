/**
 * The page's lifecycle as the foreground's state (browsers). A page that is hidden
 * (`visibilitychange`), frozen (`freeze`) or put into the back/forward cache (`pagehide` with
 * `persisted`) suspends the app; a page that is shown again resumes it; a page that is unloaded
 * for good (`pagehide` without `persisted`) terminates it.
 *
 * A frozen page is resumed (`resume`) while it may still be hidden: the app is resumed only when
 * the page is visible, otherwise the next `visibilitychange` to visible does it.
 *
 * @packageDocumentation
 */

/** What the page lifecycle drives: an `App` (suspend, resume, terminate, state). */
export interface PageLifecycleApp {
  readonly state: string;
  suspend(): void;
  resume(): void;
  terminate(): Promise<void>;
}

/** Options of {@link followPageLifecycle}. */
export interface PageLifecycleOptions {
  /** The window whose page is followed (default: the global `window`). */
  target?: Window;
}

const describe = (value: unknown): string =>
  typeof value === 'function' ? `function ${value.name}` : String(value);

// Raised later, on its own task, as xstate does with listener errors: an event handler of the
// page has no caller to give it to.
const report = (error: unknown): void => {
  setTimeout(() => {
    throw error;
  });
};

const isDisposed = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'SYSTEM_DISPOSED';

/**
 * Makes `app`'s foreground state follow the page of `target`: hidden, frozen or cached pages
 * suspend it, visible ones resume it, an unloaded page terminates it. A page that is hidden
 * already when this is called suspends the app at once. Returns a function that stops
 * following (it can be called more than once). Following stops by itself once the app has
 * terminated or its media system was disposed.
 */
export function followPageLifecycle(
  app: PageLifecycleApp,
  options: PageLifecycleOptions = {},
): () => void {
  for (const name of ['suspend', 'resume', 'terminate'] as const) {
    if (typeof (app as unknown as Record<string, unknown> | null)?.[name] !== 'function') {
      throw new TypeError(
        `followPageLifecycle expects an app with suspend, resume and terminate, got \`${describe(app)}\` (no ${name})`,
      );
    }
  }
  const given = options?.target ?? (globalThis as { window?: Window }).window;
  if (
    typeof given?.addEventListener !== 'function' ||
    typeof given.document?.addEventListener !== 'function'
  ) {
    throw new TypeError(
      `followPageLifecycle expects { target } as a window with a document, got \`${describe(given)}\``,
    );
  }
  const target: Window = given;
  const document: Document = given.document;

  let following = true;
  const act = (what: 'suspend' | 'resume'): void => {
    if (!following) return;
    if (app.state === 'terminated') {
      stop();
      return;
    }
    try {
      app[what]();
    } catch (error) {
      stop();
      if (!isDisposed(error)) report(error);
    }
  };
  const resumeIfVisible = (): void => {
    if (document.visibilityState === 'visible') act('resume');
  };

  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') act('suspend');
    else resumeIfVisible();
  };
  const onFreeze = (): void => act('suspend');
  const onPageHide = (event: PageTransitionEvent): void => {
    if (event.persisted) {
      act('suspend');
      return;
    }
    if (!following) return;
    stop();
    if (app.state === 'terminated') return;
    app.terminate().catch((error: unknown) => {
      if (!isDisposed(error)) report(error);
    });
  };
  const onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) resumeIfVisible();
  };

  document.addEventListener('visibilitychange', onVisibility);
  document.addEventListener('freeze', onFreeze);
  document.addEventListener('resume', resumeIfVisible);
  target.addEventListener('pagehide', onPageHide);
  target.addEventListener('pageshow', onPageShow);

  function stop(): void {
    if (!following) return;
    following = false;
    document.removeEventListener('visibilitychange', onVisibility);
    document.removeEventListener('freeze', onFreeze);
    document.removeEventListener('resume', resumeIfVisible);
    target.removeEventListener('pagehide', onPageHide);
    target.removeEventListener('pageshow', onPageShow);
  }

  if (document.visibilityState === 'hidden') act('suspend');
  return stop;
}
