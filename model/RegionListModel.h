#pragma once
#include <QStringListModel>
