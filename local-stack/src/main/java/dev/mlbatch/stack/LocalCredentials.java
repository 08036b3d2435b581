package dev.mlbatch.stack;

/**
 * The fixed credentials of the local stack. They open only the local S3, the local model service
 * (AWS signatures and the OpenAI/Cohere bearer keys) and the SigV4 gateway on 127.0.0.1; they are not AWS, OpenAI or
 * Cohere credentials and are published on purpose.
 */
public final class LocalCredentials {

    public static final String ACCESS_KEY_ID = "AKIAMLBATCHLOCAL0001";
    public static final String SECRET_ACCESS_KEY = "mlbatch-local-secret-key-not-for-aws";
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";
    /** The bearer key of the local OpenAI stand-in (not an OpenAI key). */
    public static final String OPENAI_API_KEY = "sk-mlbatch-local-openai";
    /** The bearer key of the local Cohere stand-in (not a Cohere key). */
    public static final String COHERE_API_KEY = "mlbatch-local-cohere";

    private LocalCredentials() {
    }
}
