#include "RegionListModel.h"
