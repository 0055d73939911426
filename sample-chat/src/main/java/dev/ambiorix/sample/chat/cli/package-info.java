/**
 * The chat from a terminal: {@link dev.ambiorix.sample.chat.cli.ChatCli} joins a room
 * with ambiorix-client, prints the conversation and posts what is typed.
 */
@NullMarked
package dev.ambiorix.sample.chat.cli;

import org.jspecify.annotations.NullMarked;
