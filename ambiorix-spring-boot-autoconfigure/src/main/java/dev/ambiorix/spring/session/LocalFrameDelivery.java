package dev.ambiorix.spring.session;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogMessage;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.CloseStatus;

/**
 * Delivers frames to the clients of this node. Each offer only queues, so one slow client
 * does not hold up the loop.
 * <p>
 * An offer to an idle client also writes the frame to its socket, so a broadcast to
 * thousands of clients is thousands of socket writes. Large broadcasts are therefore
 * split into chunks that the caller and helper threads, one per further core, deliver
 * together; the caller delivers the first chunk, to the clients that connected first,
 * before it wakes a helper. The caller returns once every chunk is queued, so consecutive
 * broadcasts from one thread still reach each client in order.
 */
public final class LocalFrameDelivery implements FrameDelivery, DisposableBean {

	private static final Log logger = LogFactory.getLog(LocalFrameDelivery.class);

	/**
	 * Broadcasts to fewer clients stay on the caller's thread: a handoff would cost more.
	 */
	static final int PARALLEL_THRESHOLD = 512;

	static final int CHUNK_SIZE = 128;

	private final LocalClients clients;

	private final int parallelism;

	private final Object helpersLock = new Object();

	private volatile @Nullable ThreadPoolExecutor helpers;

	/**
	 * Create a delivery to the given clients that uses every available core for large
	 * broadcasts.
	 * @param clients this node's clients
	 */
	public LocalFrameDelivery(LocalClients clients) {
		this(clients, Runtime.getRuntime().availableProcessors());
	}

	/**
	 * Create a delivery to the given clients.
	 * @param clients this node's clients
	 * @param parallelism how many threads, the caller included, may deliver one large
	 * broadcast; 1 keeps every broadcast on the caller's thread
	 */
	public LocalFrameDelivery(LocalClients clients, int parallelism) {
		this.clients = clients;
		this.parallelism = Math.max(1, parallelism);
	}

	@Override
	public void toAll(String frame, @Nullable String exceptId) {
		deliverToAll(frame, exceptId, null);
	}

	@Override
	public void toAll(String frame, @Nullable String exceptId, @Nullable Stamp stamp) {
		deliverToAll(frame, exceptId, stamp);
	}

	private void deliverToAll(String frame, @Nullable String exceptId, @Nullable Stamp stamp) {
		if (this.parallelism > 1 && this.clients.count() >= PARALLEL_THRESHOLD) {
			ClientConnection[] targets = this.clients.all().toArray(new ClientConnection[0]);
			new Broadcast(targets, frame, exceptId, stamp).deliver();
			return;
		}
		for (ClientConnection client : this.clients.all()) {
			offer(client, frame, exceptId, stamp);
		}
	}

	@Override
	public void toGroup(String group, String frame, @Nullable String exceptId) {
		toGroup(group, frame, exceptId, null);
	}

	@Override
	public void toGroup(String group, String frame, @Nullable String exceptId, @Nullable Stamp stamp) {
		for (ClientConnection client : this.clients.groupMembers(group)) {
			offer(client, frame, exceptId, stamp);
		}
	}

	@Override
	public void toUser(String user, String frame, @Nullable String exceptId) {
		toUser(user, frame, exceptId, null);
	}

	@Override
	public void toUser(String user, String frame, @Nullable String exceptId, @Nullable Stamp stamp) {
		for (ClientConnection client : this.clients.userMembers(user)) {
			offer(client, frame, exceptId, stamp);
		}
	}

	@Override
	public void closeGroup(String group, CloseStatus status) {
		close(this.clients.groupMembers(group), status);
	}

	@Override
	public void closeUser(String user, CloseStatus status) {
		close(this.clients.userMembers(user), status);
	}

	private static void close(Collection<ClientConnection> members, CloseStatus status) {
		// A snapshot: each close takes its client out of the live view.
		for (ClientConnection client : List.copyOf(members)) {
			logger.debug(LogMessage.format("Closing client %s: %s", client.id(), status));
			client.close(status);
		}
	}

	/**
	 * Return whether a client of this node has the given id.
	 * @param clientId the client id
	 * @return {@code true} when it is connected here
	 */
	public boolean hasClient(String clientId) {
		return this.clients.get(clientId) != null;
	}

	@Override
	public void toClient(String clientId, String frame) {
		toClient(clientId, frame, null);
	}

	@Override
	public void toClient(String clientId, String frame, @Nullable Stamp stamp) {
		ClientConnection client = this.clients.get(clientId);
		if (client != null) {
			client.deliver(frame, stamp);
		}
	}

	@Override
	public void destroy() {
		ThreadPoolExecutor helpers = this.helpers;
		if (helpers != null) {
			helpers.shutdown();
		}
	}

	private static void offer(ClientConnection client, String frame, @Nullable String exceptId, @Nullable Stamp stamp) {
		if (exceptId == null || !exceptId.equals(client.id())) {
			client.deliver(frame, stamp);
		}
	}

	private ExecutorService helpers() {
		ThreadPoolExecutor helpers = this.helpers;
		if (helpers == null) {
			synchronized (this.helpersLock) {
				helpers = this.helpers;
				if (helpers == null) {
					CustomizableThreadFactory threads = new CustomizableThreadFactory("ambiorix-fanout-");
					threads.setDaemon(true);
					int size = this.parallelism - 1;
					helpers = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
							threads);
					// Only applications that broadcast to many clients keep these
					// threads.
					helpers.allowCoreThreadTimeOut(true);
					this.helpers = helpers;
				}
			}
		}
		return helpers;
	}

	/**
	 * One large broadcast: chunks taken in turn by whichever thread is free.
	 */
	private final class Broadcast implements Runnable {

		private final ClientConnection[] targets;

		private final String frame;

		private final @Nullable String exceptId;

		private final @Nullable Stamp stamp;

		private final int chunks;

		private final AtomicInteger nextChunk = new AtomicInteger();

		private final CountDownLatch delivered;

		Broadcast(ClientConnection[] targets, String frame, @Nullable String exceptId, @Nullable Stamp stamp) {
			this.targets = targets;
			this.frame = frame;
			this.exceptId = exceptId;
			this.stamp = stamp;
			this.chunks = (targets.length + CHUNK_SIZE - 1) / CHUNK_SIZE;
			this.delivered = new CountDownLatch(this.chunks);
		}

		void deliver() {
			// The first chunk before any helper is woken: the clients that connected
			// first get the frame without waiting on a handoff, or on a helper that the
			// wake-up lets run first on a busy machine.
			deliverChunk(this.nextChunk.getAndIncrement());
			int helpersWanted = Math.min(LocalFrameDelivery.this.parallelism - 1, this.chunks - 2);
			try {
				ExecutorService helpers = helpers();
				for (int i = 0; i < helpersWanted; i++) {
					helpers.execute(this);
				}
			}
			catch (RejectedExecutionException ex) {
				// Shutting down: the caller delivers every chunk itself.
			}
			run();
			// Only chunks that a helper has already taken can be outstanding here.
			boolean interrupted = false;
			while (true) {
				try {
					this.delivered.await();
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void run() {
			for (int chunk = this.nextChunk.getAndIncrement(); chunk < this.chunks; chunk = this.nextChunk
				.getAndIncrement()) {
				deliverChunk(chunk);
			}
		}

		private void deliverChunk(int chunk) {
			try {
				int end = Math.min(this.targets.length, (chunk + 1) * CHUNK_SIZE);
				for (int i = chunk * CHUNK_SIZE; i < end; i++) {
					offer(this.targets[i], this.frame, this.exceptId, this.stamp);
				}
			}
			finally {
				this.delivered.countDown();
			}
		}

	}

}
