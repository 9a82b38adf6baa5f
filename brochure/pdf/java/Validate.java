// Validate PDF files with veraPDF's validation library, many files in one JVM.
//
//   java -cp VERAPDF_JARS Validate.java ua1 a.pdf b.pdf 2b c.pdf ...
//
// Arguments are flavours (ua1, 2b, ...: veraPDF's PDFAFlavour ids) and files;
// each file is checked against the flavour named last before it. One JSON
// object per file is printed on its own line (see brochure/pdf/verapdf.py).

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Rule;
import org.verapdf.pdfa.validation.profiles.RuleId;

public class Validate {
    static final int CONTEXTS = 2;  // example places per failed rule

    public static void main(String[] args) {
        // veraPDF logs every font oddity it meets; the verdicts say what matters.
        java.util.logging.LogManager.getLogManager().reset();
        VeraGreenfieldFoundryProvider.initialise();
        PDFAFlavour flavour = null;
        for (String arg : args) {
            PDFAFlavour named = PDFAFlavour.byFlavourId(arg);
            if (named != PDFAFlavour.NO_FLAVOUR) {
                flavour = named;
            } else {
                System.out.println(validate(new File(arg), flavour, arg));
            }
        }
    }

    static String validate(File file, PDFAFlavour flavour, String name) {
        String head = "{\"file\":" + quote(name) + ",\"flavour\":"
                + quote(flavour == null ? "" : flavour.getId());
        if (flavour == null) return head + ",\"error\":\"no flavour named before the file\"}";
        try (PDFAParser parser = Foundries.defaultInstance().createParser(file, flavour)) {
            PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false);
            ValidationResult result = validator.validate(parser);
            return head + ",\"passed\":" + result.isCompliant()
                    + ",\"failed_rules\":" + failedRules(result, validator) + "}";
        } catch (Exception | LinkageError problem) {
            // One bad file must not cost the others their verdicts.
            return head + ",\"error\":" + quote(String.valueOf(problem)) + "}";
        }
    }

    static String failedRules(ValidationResult result, PDFAValidator validator) {
        Map<String, List<String>> contexts = new TreeMap<>();
        for (TestAssertion a : result.getTestAssertions()) {
            if (a.getStatus() != TestAssertion.Status.FAILED) continue;
            List<String> some = contexts.computeIfAbsent(key(a.getRuleId()), k -> new ArrayList<>());
            if (some.size() < CONTEXTS) some.add(quote(a.getLocation().getContext()));
        }
        List<String> rules = new ArrayList<>();
        for (Map.Entry<RuleId, Integer> failed : result.getFailedChecks().entrySet()) {
            RuleId id = failed.getKey();
            Rule rule = validator.getProfile().getRuleByRuleId(id);
            rules.add("{\"specification\":" + quote(String.valueOf(id.getSpecification()))
                    + ",\"clause\":" + quote(id.getClause())
                    + ",\"test\":" + id.getTestNumber()
                    + ",\"description\":" + quote(rule == null ? "" : rule.getDescription())
                    + ",\"failed_checks\":" + failed.getValue()
                    + ",\"contexts\":" + contexts.getOrDefault(key(id), List.of()) + "}");
        }
        rules.sort(null);
        return rules.toString();
    }

    static String key(RuleId id) {
        return id.getClause() + "-" + id.getTestNumber();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : (text == null ? "" : text).toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }
}
