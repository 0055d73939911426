package dev.ambiorix.spring.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.ambiorix.spring.Member;

/**
 * The members of this node only: the whole directory of a single node.
 */
final class LocalMemberDirectory implements MemberDirectory {

	private final LocalClients clients;

	LocalMemberDirectory(LocalClients clients) {
		this.clients = clients;
	}

	@Override
	public int groupCount(String group) {
		return this.clients.groupMembers(group).size();
	}

	@Override
	public List<Member> groupMembers(String group) {
		return members(this.clients, this.clients.groupMembers(group));
	}

	@Override
	public int userCount(String user) {
		return this.clients.userMembers(user).size();
	}

	@Override
	public List<Member> userMembers(String user) {
		return members(this.clients, this.clients.userMembers(user));
	}

	private static List<Member> members(LocalClients clients, Collection<ClientConnection> connections) {
		List<Member> members = new ArrayList<>(connections.size());
		for (ClientConnection client : connections) {
			members.add(clients.member(client));
		}
		return members;
	}

}
