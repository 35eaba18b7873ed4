package io.reconnector.cli;

import io.reconnector.relay.AddressRule;
import io.reconnector.relay.NameRule;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The destination policy's flags, shared by {@code relay} and its dry run, {@code policy}. */
final class PolicyFlags {
    @Option(names = "--allow", converter = Converters.RuleConverter.class, paramLabel = "RULE",
            description = "CIDR[:PORT[-PORT]] agents may reach through the relay, or 'any' (repeatable). "
                    + "Nothing is dialled unless a rule allows it")
    List<AddressRule> allow = new ArrayList<>();

    @Option(names = "--deny", converter = Converters.RuleConverter.class, paramLabel = "RULE",
            description = "CIDR[:PORT[-PORT]] the relay never dials (repeatable; wins over --allow). "
                    + "Advised with a wide --allow: 169.254.0.0/16, 127.0.0.0/8, 224.0.0.0/4")
    List<AddressRule> deny = new ArrayList<>();

    @Option(names = "--allow-name", converter = Converters.NameRuleConverter.class, paramLabel = "NAME",
            description = "only names like this are resolved for agents: a name or *.DOMAIN, e.g. '*.svc.cluster.local' "
                    + "(repeatable; default: any name). Narrows, never widens: the addresses a name resolves to must "
                    + "still pass --allow and --deny")
    List<NameRule> allowNames = new ArrayList<>();

    @Option(names = "--deny-name", converter = Converters.NameRuleConverter.class, paramLabel = "NAME",
            description = "names never resolved for agents: a name or *.DOMAIN (repeatable; wins over --allow-name)")
    List<NameRule> denyNames = new ArrayList<>();
}
