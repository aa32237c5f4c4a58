#pragma once

#include <QStringList>

namespace qkms {

/// The AWS commercial region codes qkms accepts. A region is one isolated vault file.
[[nodiscard]] const QStringList &awsRegions();
/// True when `region` is one of awsRegions().
[[nodiscard]] bool isValidRegion(const QString &region);
/// The region used when none is named: QKMS_REGION, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.
[[nodiscard]] QString defaultRegion();

} // namespace qkms
