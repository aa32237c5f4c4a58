#pragma once

// How the console words key attributes: the AWS console's phrases ("Pending deletion",
// "Encrypt and decrypt"), shared by the table and the detail view so they never disagree.

#include "kms/KeyRecord.h"

#include <QString>

namespace qkms::model::text {

/// "Enabled", "Disabled", "Pending deletion", "Pending import".
[[nodiscard]] QString keyState(kms::KeyState state);
/// What the state means for the key, with the deletion date when one is set.
[[nodiscard]] QString keyStateExplanation(const kms::KeyRecord &key);
/// "Encrypt and decrypt", "Sign and verify", "Generate and verify MAC".
[[nodiscard]] QString keyUsage(kms::KeyUsage usage);
/// "Customer managed" or "AWS managed".
[[nodiscard]] QString keyManager(kms::KeyManager manager);
/// A date and time in the local zone, to the minute ("2026-03-01 13:00").
[[nodiscard]] QString dateTime(const QDateTime &t);

} // namespace qkms::model::text
