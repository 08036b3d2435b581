package dev.mlbatch.stack.s3;

/** An {@code s3://bucket/key} address; the key may be empty or a prefix. */
public record S3Uri(String bucket, String key) {

    public static S3Uri parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3:// URI: " + uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("no bucket in " + uri);
        }
        return new S3Uri(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    /** This URI's key as a folder prefix (empty or ending with '/'). */
    public String keyAsFolder() {
        return key.isEmpty() || key.endsWith("/") ? key : key + "/";
    }

    public String fileName() {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
