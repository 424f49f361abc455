/**
 * The web console: its static assets (served at {@code /} under a strict Content-Security-Policy) and the live feed of
 * audit events ({@code GET /v1/events}, server-sent events) that its decision stream reads. The console is plain
 * HTML, CSS and JavaScript modules kept as class-path resources; it calls only the REST control plane of the same
 * origin, with the admin token the user signs in with.
 */
@NullMarked
package dev.mandate.app.console;

import org.jspecify.annotations.NullMarked;
