package dev.mlbatch.runtime.plugin;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds plugins as upstream Data Prepper does: every {@code META-INF/data-prepper.plugins.properties} on the class
 * path names packages ({@code org.opensearch.dataprepper.plugin.packages}) that are scanned for
 * {@link DataPrepperPlugin} classes, indexed by plugin type and by name, deprecated name and alternate names.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    static final String PROPERTIES_RESOURCE = "META-INF/data-prepper.plugins.properties";
    static final String PACKAGES_PROPERTY = "org.opensearch.dataprepper.plugin.packages";
    private static final List<String> DEFAULT_PACKAGES = List.of("org.opensearch.dataprepper.plugins", "com.amazon.dataprepper.plugins");

    private final Map<Class<?>, Map<String, Class<?>>> pluginsByType;

    private PluginRegistry(final Map<Class<?>, Map<String, Class<?>>> pluginsByType) {
        this.pluginsByType = pluginsByType;
    }

    public static PluginRegistry scanClasspath(final ClassLoader classLoader) {
        final Set<String> packages = pluginPackages(classLoader);
        final Map<Class<?>, Map<String, Class<?>>> byType = new HashMap<>();
        try (ScanResult scan = new ClassGraph().overrideClassLoaders(classLoader).enableAnnotationInfo()
                .acceptPackages(packages.toArray(String[]::new)).scan()) {
            for (final ClassInfo info : scan.getClassesWithAnnotation(DataPrepperPlugin.class.getName())) {
                // Load through the given loader, not ClassGraph's own: its loader dies with the scan result.
                final Class<?> pluginClass = loadClass(info.getName(), classLoader);
                final DataPrepperPlugin annotation = pluginClass.getAnnotation(DataPrepperPlugin.class);
                final Map<String, Class<?>> named = byType.computeIfAbsent(annotation.pluginType(), t -> new HashMap<>());
                final List<String> names = new ArrayList<>();
                names.add(annotation.name());
                if (!annotation.deprecatedName().isEmpty()) {
                    names.add(annotation.deprecatedName());
                }
                names.addAll(List.of(annotation.alternateNames()));
                for (final String name : names) {
                    final Class<?> previous = named.putIfAbsent(name, pluginClass);
                    if (previous != null && previous != pluginClass) {
                        throw new IllegalStateException("Two " + annotation.pluginType().getSimpleName() + " plugins are named '"
                                + name + "': " + previous.getName() + " and " + pluginClass.getName());
                    }
                }
            }
        }
        LOG.debug("Plugins found in {}: {}", packages, byType);
        return new PluginRegistry(byType);
    }

    private static Class<?> loadClass(final String name, final ClassLoader classLoader) {
        try {
            return Class.forName(name, false, classLoader);
        } catch (final ClassNotFoundException e) {
            throw new IllegalStateException("Plugin class " + name + " was found by the scan but cannot be loaded", e);
        }
    }

    private static Set<String> pluginPackages(final ClassLoader classLoader) {
        final Set<String> packages = new LinkedHashSet<>();
        try {
            final Enumeration<URL> resources = classLoader.getResources(PROPERTIES_RESOURCE);
            while (resources.hasMoreElements()) {
                final URL url = resources.nextElement();
                final Properties properties = new Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                final String value = properties.getProperty(PACKAGES_PROPERTY, "");
                for (final String pkg : value.split(",")) {
                    if (!pkg.isBlank()) {
                        packages.add(pkg.trim());
                    }
                }
            }
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot read " + PROPERTIES_RESOURCE + " resources: " + e.getMessage(), e);
        }
        return packages.isEmpty() ? new LinkedHashSet<>(DEFAULT_PACKAGES) : packages;
    }

    public Optional<Class<?>> find(final Class<?> pluginType, final String name) {
        return Optional.ofNullable(pluginsByType.getOrDefault(pluginType, Map.of()).get(name));
    }

    public Set<String> namesOf(final Class<?> pluginType) {
        return Collections.unmodifiableSet(new TreeSet<>(pluginsByType.getOrDefault(pluginType, Map.of()).keySet()));
    }
}
