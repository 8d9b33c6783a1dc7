/**
 * A background task that runs one at a time: a kick during a run asks for exactly one more
 * run after it, however many kicks came, so a burst of notifications costs at most two runs.
 */
export class OneAtATime {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    /** Once true, kicks are ignored and no further run is started. */
    private readonly stopped: () => boolean,
  ) {}

  kick(): void {
    if (this.stopped()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.task().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped()) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** The run in progress, if any. */
  get current(): Promise<void> | undefined {
    return this.running;
  }

  /** Wait for the run in progress and the one it asked for, if any. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }
}
