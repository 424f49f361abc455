/**
 * The Cedar policy language: parse policies, build entities and requests, and authorize. This package is
 * the library's API; everything else in the module is internal.
 */
@NullMarked
package dev.mandate.cedar;

import org.jspecify.annotations.NullMarked;
