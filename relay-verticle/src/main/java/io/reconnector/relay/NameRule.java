package io.reconnector.relay;

import io.reconnector.protocol.frame.HostName;

import java.util.Locale;

/**
 * A rule on the names clients ask the relay to resolve: a name ({@code db.internal}) or every
 * name under a domain ({@code *.svc.cluster.local}, at any depth, not the domain itself). Name
 * rules only narrow what the address policy allows — the addresses a name resolves to are always
 * checked too, so a name can never reach an address an {@code --allow} does not cover.
 */
public record NameRule(String pattern) {
    public NameRule {
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        String name = p.startsWith("*.") ? p.substring(2) : p;
        try {
            new HostName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + pattern + "' is not a name rule; write a name (db.internal) "
                    + "or *. and a domain (*.svc.cluster.local)");
        }
        pattern = p;
    }

    public static NameRule parse(String text) {
        return new NameRule(text);
    }

    public boolean matches(HostName name) {
        String n = name.name();
        return pattern.startsWith("*.") ? n.endsWith(pattern.substring(1)) : n.equals(pattern);
    }

    /** Null when {@code name} may be resolved under these rules, else the rule that forbids it. */
    public static String refusal(java.util.List<NameRule> allow, java.util.List<NameRule> deny, HostName name) {
        for (NameRule r : deny) {
            if (r.matches(name)) {
                return "--deny-name " + r;
            }
        }
        if (allow.isEmpty() || allow.stream().anyMatch(r -> r.matches(name))) {
            return null;
        }
        return "no --allow-name matches it";
    }

    @Override
    public String toString() {
        return pattern;
    }
}
