# qkms_add_test(NAME SOURCES files... LIBS libs... LABELS unit|gui|interop)
# One Qt Test executable per unit, linked against the layer libraries (never recompiling them).
function(qkms_add_test name)
    cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE qkms_test_support ${T_LIBS} Qt6::Test qkms_warnings)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME ${name} COMMAND ${name})
    set(env "QT_QPA_PLATFORM=offscreen" "QKMS_TEST_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
            "QKMS_BIN_DIR=${CMAKE_BINARY_DIR}/bin" "QT_LOGGING_RULES=qt.qpa.*=false")
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" ENVIRONMENT "${env}" TIMEOUT 600)
endfunction()

# Registers every tests/<dir>/tst_*.cpp as one test, so adding a unit needs no CMake edit.
function(qkms_add_tests_in_dir label)
    cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
    file(GLOB units CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tst_*.cpp)
    foreach(src ${units})
        get_filename_component(name ${src} NAME_WE)
        qkms_add_test(${name} SOURCES ${src} LIBS ${T_LIBS} LABELS ${label})
    endforeach()
endfunction()
