#pragma once

#include "core/KmsError.h"

#include <QStringList>

namespace qkms::crypto {

/// What the start-up self-test found.
struct SelfTestReport {
    QStringList missing;  ///< algorithms the providers do not offer, each naming the plugin to install
    QStringList failures; ///< known-answer tests that gave a wrong answer
    [[nodiscard]] bool ok() const { return missing.isEmpty() && failures.isEmpty(); }
    /// One paragraph for a dialog or stderr.
    [[nodiscard]] QString summary() const;
};

/// Probes every algorithm qkms needs with QCA::isSupported and runs known-answer tests
/// (AES-256-GCM, HKDF-SHA256, HMAC-SHA256, SHA-256 through QCA; AES-GCM with AAD, HKDF-SHA512,
/// PBKDF2-SHA512 through OpenSSL). Needs a live QCA::Initializer.
[[nodiscard]] SelfTestReport runSelfTest();

/// Runs the self-test once per process and caches it; errors::SelfTest with the summary when it
/// failed. The vault calls this before opening anything.
[[nodiscard]] Status requireSelfTest();

/// Test seam: the next runSelfTest() or requireSelfTest() (whichever comes first) reports
/// `algorithm` as missing, then the seam clears itself. Names are the probe names ("hkdf(sha256)",
/// "aes256-gcm", "AES-256-GCM", "HKDF-SHA512", ...; any other name is reported as a QCA one). The
/// simulated result is never cached, so later requireSelfTest() calls give the real answer. An
/// empty `algorithm` clears a pending simulation.
void simulateMissingAlgorithmForTest(const QString &algorithm);

} // namespace qkms::crypto
