// A Disposable base class so that every listener, watcher and process a class starts is released with it.

export interface DisposableLike {
  dispose(): unknown;
}

export abstract class Disposable implements DisposableLike {
  private readonly disposables: DisposableLike[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `item` until this object is disposed; disposes it at once if that already happened. */
  protected register<T extends DisposableLike>(item: T): T {
    if (this.disposed) item.dispose();
    else this.disposables.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Last registered first, as later resources may depend on earlier ones.
    for (const item of this.disposables.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // One failing dispose must not keep the others alive.
      }
    }
  }
}

export function toDisposable(dispose: () => unknown): DisposableLike {
  return { dispose };
}
