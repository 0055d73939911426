package dev.ambiorix.spring.cluster;

import java.util.List;
import java.util.Set;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.event.MemberLeftEvent;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.MemberDirectory;
import dev.ambiorix.spring.session.MembershipListener;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Groups, users and presence of a single node, in memory: the directory is this node's
 * index, and leaving a group publishes a {@link MemberLeftEvent}.
 */
public final class LocalMembership implements MemberDirectory, MembershipListener {

	private final LocalClients clients;

	private final MemberDirectory directory;

	private final ApplicationEventPublisher events;

	/**
	 * Create the membership of this node and start listening to its clients.
	 * @param clients this node's clients
	 * @param events publishes leave events
	 */
	public LocalMembership(LocalClients clients, ApplicationEventPublisher events) {
		this.clients = clients;
		this.directory = MemberDirectory.local(clients);
		this.events = events;
		clients.listener(this);
	}

	@Override
	public int groupCount(String group) {
		return this.directory.groupCount(group);
	}

	@Override
	public List<Member> groupMembers(String group) {
		return this.directory.groupMembers(group);
	}

	@Override
	public int userCount(String user) {
		return this.directory.userCount(user);
	}

	@Override
	public List<Member> userMembers(String user) {
		return this.directory.userMembers(user);
	}

	@Override
	public void left(ClientConnection client, String group) {
		this.events.publishEvent(new MemberLeftEvent(group, this.clients.member(client), false));
	}

	@Override
	public void disconnected(ClientConnection client, Member member, Set<String> groups) {
		for (String group : groups) {
			this.events.publishEvent(new MemberLeftEvent(group, member, false));
		}
	}

}
