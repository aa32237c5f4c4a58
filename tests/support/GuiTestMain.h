#pragma once

// Main for GUI tests (label gui): a QApplication on the offscreen platform.

#include "TestMain.h"

#include <QApplication>

#define QKMS_GUI_TEST_MAIN(TestObject) QKMS_TEST_MAIN_IMPL(QApplication, TestObject)
