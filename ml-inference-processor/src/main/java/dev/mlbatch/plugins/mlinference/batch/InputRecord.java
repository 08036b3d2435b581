package dev.mlbatch.plugins.mlinference.batch;

/**
 * One record of an input object: a non-blank line. {@code ordinal} counts records from 1 as the providers do
 * (blank lines are not records), {@code line} is the physical line number; {@code validUtf8} is false when the
 * line's bytes are not UTF-8 (then {@code text} holds replacement characters).
 */
public record InputRecord(int ordinal, int line, String text, boolean validUtf8) {
}
