package io.basalt.promql.engine;

import com.google.re2j.Matcher;

/**
 * Go's {@code regexp.Expand}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} and {@code $$}. A reference
 * takes the longest run of letters, digits and underscores ({@code $1x} names group "1x"); unknown or unmatched
 * groups expand to nothing; a malformed reference is kept literally.
 */
final class GoTemplate {

    private GoTemplate() {
    }

    static String expand(String template, Matcher match) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int dollar = template.indexOf('$', i);
            if (dollar < 0) {
                break;
            }
            out.append(template, i, dollar);
            i = dollar + 1;
            if (i < template.length() && template.charAt(i) == '$') {
                out.append('$');
                i++;
                continue;
            }
            boolean brace = i < template.length() && template.charAt(i) == '{';
            int nameStart = brace ? i + 1 : i;
            int j = nameStart;
            while (j < template.length()) {
                int cp = template.codePointAt(j);
                if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
                    break;
                }
                j += Character.charCount(cp);
            }
            if (j == nameStart || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
                out.append('$');
                continue;
            }
            String name = template.substring(nameStart, j);
            i = brace ? j + 1 : j;
            out.append(group(match, name));
        }
        if (i < template.length()) {
            out.append(template, i, template.length());
        }
        return out.toString();
    }

    private static String group(Matcher match, String name) {
        int num = 0;
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (c < '0' || c > '9' || num >= 100_000_000) {
                num = -1;
                break;
            }
            num = num * 10 + (c - '0');
        }
        if (name.charAt(0) == '0' && name.length() > 1) {
            num = -1;
        }
        String value = null;
        if (num >= 0) {
            if (num <= match.groupCount()) {
                value = match.group(num);
            }
        }
        else {
            try {
                value = match.group(name);
            }
            catch (IllegalArgumentException e) {
                value = null;
            }
        }
        return value == null ? "" : value;
    }
}
