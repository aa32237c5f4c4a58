# One interface target carries the warnings, hardening flags and strict Qt defines for every
# target of ours, so nothing is compiled with a laxer set than the rest.
add_library(qkms_warnings INTERFACE)
target_compile_options(qkms_warnings INTERFACE
    -Wall -Wextra -Wundef -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wsuggest-override -Wformat=2 -fstack-protector-strong
    $<$<BOOL:${QKMS_WERROR}>:-Werror>)
target_compile_definitions(qkms_warnings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_SIGNALS_SLOTS_KEYWORDS QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>
    QKMS_VERSION="${PROJECT_VERSION}")
