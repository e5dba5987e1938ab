package org.vbs.core.service;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.UserText;

/**
 * The limits a request must respect, each refused with {@link ErrorCode#INVALID_PARAMETER_VALUE}
 * and a message that names the bound. Checked before anything is read or written.
 */
final class RequestRules {
    static final long MIN_SIZE_GIB = 1;
    static final long MAX_SIZE_GIB = 16_384;
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY = 128;
    static final int MAX_TAG_VALUE = 256;
    static final int MAX_DESCRIPTION = 255;
    static final int MAX_CLIENT_TOKEN = 64;

    private RequestRules() {
    }

    static long requireSize(long sizeGiB) {
        if (sizeGiB < MIN_SIZE_GIB || sizeGiB > MAX_SIZE_GIB) {
            throw invalid("Size " + sizeGiB + " GiB is out of range: a volume is " + MIN_SIZE_GIB + " to "
                    + MAX_SIZE_GIB + " GiB.");
        }
        return sizeGiB;
    }

    static Map<String, String> requireTags(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw invalid("Too many tags: " + tags.size() + "; a volume has at most " + MAX_TAGS + ".");
        }
        tags.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_TAG_KEY) {
                throw invalid("Tag key " + UserText.quote(key) + " must be 1 to " + MAX_TAG_KEY + " characters.");
            }
            String lower = key.toLowerCase(Locale.ROOT);
            if (lower.startsWith("aws:") || lower.startsWith("vbs:")) {
                throw invalid("Tag key " + UserText.quote(key) + " uses a reserved prefix ('aws:' or 'vbs:').");
            }
            if (value.length() > MAX_TAG_VALUE) {
                throw invalid("The value of tag " + UserText.quote(key) + " is " + value.length()
                        + " characters; at most " + MAX_TAG_VALUE + " are allowed.");
            }
        });
        return tags;
    }

    /** A missing description is the empty one. */
    static String requireDescription(String description) {
        if (description == null) {
            return "";
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw invalid("The description is " + description.length() + " characters; at most "
                    + MAX_DESCRIPTION + " are allowed.");
        }
        return description;
    }

    /** EC2's rule: 1 to 64 printable ASCII characters. */
    static Optional<String> requireClientToken(Optional<String> token) {
        token.ifPresent(t -> {
            boolean printable = t.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
            if (t.isEmpty() || t.length() > MAX_CLIENT_TOKEN || !printable) {
                throw invalid("Client token " + UserText.quote(t) + " must be 1 to " + MAX_CLIENT_TOKEN
                        + " printable ASCII characters without spaces.");
            }
        });
        return token;
    }

    static VbsException invalid(String message) {
        return new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, message);
    }
}
