#pragma once

// Where in a policy's text the engine's MalformedPolicyDocumentException points. The parser
// (policy::PolicyDocument) reports a character offset for JSON errors and names the statement,
// the element or the offending value for the rest; this turns that back into a span of the text
// so the editor can underline it.

#include <QString>

namespace qkms::model {

/// A run of characters in the policy text.
struct TextSpan {
    int start = 0;
    int length = 0; ///< 0 only for an empty text
    bool operator==(const TextSpan &) const = default;
};

/// The part of `json` that the parser's `message` is about: the character at "offset N"; else,
/// within the statement "statement N" names (or the whole document), the first 'quoted' value
/// of the message, else the first element the message names, else the statement's first line.
/// Never fails: when nothing more precise is found, the first line of the document.
[[nodiscard]] TextSpan locatePolicyError(const QString &json, const QString &message);

} // namespace qkms::model
