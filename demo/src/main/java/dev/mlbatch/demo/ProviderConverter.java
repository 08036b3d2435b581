package dev.mlbatch.demo;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --provider NAME} on a command line: {@link Provider#parse}, its message naming the choices. */
public final class ProviderConverter implements ITypeConverter<Provider> {
    @Override
    public Provider convert(final String value) {
        try {
            return Provider.parse(value);
        } catch (final IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
