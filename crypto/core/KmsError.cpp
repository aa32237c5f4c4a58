#include "core/KmsError.h"
