package org.opensearch.dataprepper.model.sink;

import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** What the pipeline tells a sink about its place in the pipeline (routes, tags key, key filters). */
public class SinkContext {
    private final String tagsTargetKey;
    private final Collection<String> routes;
    private final List<String> includeKeys;
    private final List<String> excludeKeys;

    public SinkContext(final String tagsTargetKey, final Collection<String> routes,
                       final List<String> includeKeys, final List<String> excludeKeys) {
        this.tagsTargetKey = tagsTargetKey;
        this.routes = routes == null ? Collections.emptyList() : routes;
        this.includeKeys = includeKeys == null ? Collections.emptyList() : includeKeys;
        this.excludeKeys = excludeKeys == null ? Collections.emptyList() : excludeKeys;
    }

    public SinkContext(final String tagsTargetKey) {
        this(tagsTargetKey, null, null, null);
    }

    public String getTagsTargetKey() {
        return tagsTargetKey;
    }

    public Collection<String> getRoutes() {
        return routes;
    }

    public List<String> getIncludeKeys() {
        return includeKeys;
    }

    public List<String> getExcludeKeys() {
        return excludeKeys;
    }
}
