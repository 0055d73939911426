package dev.ambiorix.spring.session;

import java.util.List;

import dev.ambiorix.spring.Member;

/**
 * Who is in a group or is a user, on every node: the seam at which presence across nodes
 * plugs in.
 */
public interface MemberDirectory {

	/**
	 * Count the members of a group on every node.
	 * @param group the group
	 * @return the count
	 */
	int groupCount(String group);

	/**
	 * List the members of a group on every node.
	 * @param group the group
	 * @return the members
	 */
	List<Member> groupMembers(String group);

	/**
	 * Count a user's connections on every node.
	 * @param user the user
	 * @return the count
	 */
	int userCount(String user);

	/**
	 * List a user's connections on every node.
	 * @param user the user
	 * @return the connections
	 */
	List<Member> userMembers(String user);

	/**
	 * Return a directory of this node's clients only, for a single node.
	 * @param clients this node's clients
	 * @return the directory
	 */
	static MemberDirectory local(LocalClients clients) {
		return new LocalMemberDirectory(clients);
	}

}
