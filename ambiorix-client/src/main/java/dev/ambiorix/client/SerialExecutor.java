package dev.ambiorix.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Runs tasks one at a time, in submission order, on any executor: handlers see messages
 * in the order they arrived even when the application gives a thread pool.
 */
final class SerialExecutor implements Executor {

	private final Executor delegate;

	private final Queue<Runnable> tasks = new ArrayDeque<>();

	private boolean running;

	SerialExecutor(Executor delegate) {
		this.delegate = delegate;
	}

	@Override
	public void execute(Runnable task) {
		synchronized (this.tasks) {
			this.tasks.add(task);
			if (this.running) {
				return;
			}
			this.running = true;
		}
		schedule();
	}

	private void schedule() {
		try {
			this.delegate.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			// The executor is gone (the client closed, or the application shut it
			// down): run what is left here rather than lose it.
			drain();
		}
	}

	private void drain() {
		while (true) {
			Runnable task = next();
			if (task == null) {
				return;
			}
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// Tasks report their own failures; one must not stop the others.
			}
		}
	}

	private @Nullable Runnable next() {
		synchronized (this.tasks) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				this.running = false;
			}
			return task;
		}
	}

}
